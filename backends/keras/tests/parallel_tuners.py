"""A tuner whose trials report where they ran, for ``test_keras_parallel.py``'s workers."""

from __future__ import annotations

import os

import keras
import spacealg_keras as keras_tuner


class WhereTuner(keras_tuner.Tuner):
    """Runs no model: a trial reports its worker's device, process and Keras backend."""

    def run_trial(self, trial, *args, **kwargs):
        units = trial.hyperparameters.Choice("units", [4, 8, 16, 32])
        return {
            "val_loss": float(units),
            "device": float(os.environ.get("CUDA_VISIBLE_DEVICES", "-1")),
            "pid": float(os.getpid()),
            "same_backend": float(keras.backend.backend() == os.environ.get("KERAS_BACKEND")),
        }
