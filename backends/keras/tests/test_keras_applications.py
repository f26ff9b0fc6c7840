"""The prebuilt hypermodels: KerasTuner's spaces as values, models that build and train.

Every prebuilt hypermodel builds at its defaults and, on TensorFlow, at 3
points drawn from its space with ``spacealg.testing``; each build must declare
exactly its ``.space``. A model is fitted one step on 8 small images when it
has under 5 million parameters (ResNets and EfficientNets above B0 are built,
not fitted); on JAX the defaults are built and fitted one step, also above that
size (one step runs eagerly on TensorFlow, compiled on JAX). The guide's
HyperXception scenario runs on both backends, in graph mode; local weight
files are loaded on TensorFlow only (Keras loads them alike on every backend,
and a JAX build of EfficientNet-B0 alone takes tens of seconds).
"""

from __future__ import annotations

import doctest
import math
import pickle
from pathlib import Path

import keras
import numpy as np
import pytest
import spacealg_keras as keras_tuner
from hypothesis import HealthCheck, Phase, given, settings
from keras import layers
from spacealg_keras import applications
from spacealg_keras.applications import (
    HyperEfficientNet,
    HyperImageAugment,
    HyperResNet,
    HyperXception,
    RandomAugment,
    _augment,
    _efficientnet,
    _prebuilt,
    _resnet,
    _xception,
)

import spacealg as sa
from spacealg.errors import ArgumentTypeError, InvalidArgumentError, InvalidSpaceError
from spacealg.testing import values

GUIDE = Path(__file__).parents[3] / "tests" / "data"
MAX_FITTED_PARAMETERS = 5_000_000
JAX = keras.backend.backend() == "jax"

HYPERMODELS = {
    "xception": lambda: HyperXception(input_shape=(28, 28, 1), classes=10),
    "resnet": lambda: HyperResNet(input_shape=(32, 32, 3), classes=10),
    "efficientnet+augment": lambda: HyperEfficientNet(
        input_shape=(32, 32, 3),
        classes=10,
        augmentation_model=HyperImageAugment(input_shape=(32, 32, 3)),
    ),
    "augment": lambda: HyperImageAugment(input_shape=(28, 28, 1)),
    "augment_sequential": lambda: HyperImageAugment(input_shape=(32, 32, 3), augment_layers=0),
}

# -- the spaces: KerasTuner 1.4.8's, with its defects fixed ---------------------------

# (name, kind, config without the name), as keras-tuner 1.4.8 declares them, defaults
# resolved (KerasTuner prints None for num_dense_layers), dense_use_bn boolean (it
# stores [1, 0]); the grids below reach their maxima (0.6, 0.8), KerasTuner's do not.
XCEPTION = [
    ("activation", "Choice", {"default": "relu", "values": ["relu", "selu"], "ordered": False}),
    ("conv2d_num_filters", "Choice", {"default": 64, "values": [32, 64, 128], "ordered": True}),
    ("kernel_size", "Choice", {"default": 3, "values": [3, 5], "ordered": True}),
    ("initial_strides", "Choice", {"default": 2, "values": [2], "ordered": True}),
    ("sep_num_filters", "Int", {"default": 256, "min_value": 128, "max_value": 768, "step": 128}),
    ("num_residual_blocks", "Int", {"default": 4, "min_value": 2, "max_value": 8, "step": 1}),
    (
        "pooling",
        "Choice",
        {"default": "avg", "values": ["avg", "flatten", "max"], "ordered": False},
    ),
]
XCEPTION_TOP = [
    ("num_dense_layers", "Int", {"default": 1, "min_value": 1, "max_value": 3, "step": 1}),
    ("dropout_rate", "Float", {"default": 0.5, "min_value": 0.0, "max_value": 0.6, "step": 0.1}),
    ("dense_use_bn", "Choice", {"default": True, "values": [True, False], "ordered": False}),
    (
        "learning_rate",
        "Choice",
        {"default": 0.001, "values": [0.001, 0.0001, 1e-05], "ordered": True},
    ),
]
RESNET = [
    ("version", "Choice", {"default": "v2", "values": ["v1", "v2", "next"], "ordered": False}),
    ("conv3_depth", "Choice", {"default": 4, "values": [4, 8], "ordered": True}),
    ("conv4_depth", "Choice", {"default": 6, "values": [6, 23, 36], "ordered": True}),
    ("pooling", "Choice", {"default": "avg", "values": ["avg", "max"], "ordered": False}),
]
RESNET_TOP = [
    (
        "optimizer",
        "Choice",
        {"default": "adam", "values": ["adam", "rmsprop", "sgd"], "ordered": False},
    ),
    ("learning_rate", "Choice", {"default": 0.01, "values": [0.1, 0.01, 0.001], "ordered": True}),
]
EFFICIENTNET = [
    ("version", "Choice", {"default": "B0", "values": [f"B{i}" for i in range(8)]}),
    ("pooling", "Choice", {"default": "avg", "values": ["avg", "max"], "ordered": False}),
    ("top_dropout_rate", "Float", {"default": 0.2, "min_value": 0.2, "max_value": 0.8}),
    ("learning_rate", "Choice", {"default": 0.01, "values": [0.1, 0.01, 0.001], "ordered": True}),
]


def factors(step, **ranges):
    return [
        (
            f"factor_{name}",
            "Float",
            {"default": low, "min_value": low, "max_value": high, "step": step},
        )
        for name, (low, high) in ranges.items()
    ]


DEFAULT_FACTORS = {
    "rotate": (0.0, 0.5),
    "translate_x": (0.0, 0.4),
    "translate_y": (0.0, 0.4),
    "contrast": (0.0, 0.3),
}
AUGMENT = [
    ("augment_layers", "Int", {"default": 1, "min_value": 1, "max_value": 3}),
    *factors(None, **DEFAULT_FACTORS),
]

EXPECTED_SPACES = [
    (lambda: HyperXception(input_shape=(28, 28, 1), classes=10), XCEPTION + XCEPTION_TOP),
    (lambda: HyperXception(include_top=False, input_shape=(28, 28, 1)), XCEPTION),
    (lambda: HyperResNet(input_shape=(32, 32, 3), classes=10), RESNET + RESNET_TOP),
    (lambda: HyperResNet(include_top=False, input_tensor=keras.Input((32, 32, 3))), RESNET),
    (lambda: HyperEfficientNet(input_shape=(32, 32, 3), classes=10), EFFICIENTNET),
    (HYPERMODELS["efficientnet+augment"], AUGMENT + EFFICIENTNET),
    (lambda: HyperImageAugment(input_shape=(28, 28, 1)), AUGMENT),
    (
        lambda: HyperImageAugment(input_shape=(28, 28, 1), augment_layers=0),
        factors(0.05, **DEFAULT_FACTORS),
    ),
    (
        lambda: HyperImageAugment(
            input_shape=(32, 32, 3),
            rotate=[0.2, 0.3],
            translate_x=0.1,
            translate_y=None,
            contrast=0,
            augment_layers=[0, 2],
        ),
        [
            ("augment_layers", "Int", {"default": 0, "min_value": 0, "max_value": 2}),
            *factors(None, rotate=(0.2, 0.3), translate_x=(0.0, 0.1)),
        ],
    ),
]


@pytest.mark.parametrize(("make", "expected"), EXPECTED_SPACES)
def test_the_spaces_are_kerastuners(make, expected):
    space = make().space
    assert [(hp.name, type(hp).__name__) for hp in space.hyperparameters] == [
        (name, kind) for name, kind, _ in expected
    ]
    for name, _, config in expected:
        actual = space[name].config()
        assert actual["conditions"] == []
        assert {key: actual[key] for key in config} == config, name


def test_the_kerastuner_defects_are_fixed():
    xception = HyperXception(input_shape=(28, 28, 1), classes=10).space
    assert xception["dropout_rate"].grid_values()[-1] == 0.6
    assert xception["dense_use_bn"].values == (True, False)
    assert "'values': [True, False], 'ordered': False}" in sa.summary(xception)
    efficientnet = HyperEfficientNet(input_shape=(32, 32, 3), classes=10).space
    assert list(efficientnet["top_dropout_rate"].grid_values()) == [0.2, 0.4, 0.6, 0.8]
    # The factors are declared even where no RandAugment layer is built.
    augment = HyperImageAugment(input_shape=(28, 28, 1), augment_layers=[0, 2])
    model = augment.build(handle := sa.HyperParameters(declared=augment.space))
    assert model.layers[-1].name.startswith("input_layer")  # zero layers: the identity
    assert handle.space == augment.space
    assert "factor_rotate" in handle.space


@pytest.mark.parametrize("name", HYPERMODELS)
def test_space_is_a_value_read_without_building_a_model(name, monkeypatch):
    def no_model(*args, **kwargs):
        raise AssertionError("a Keras layer or model was built")

    monkeypatch.setattr(keras.layers.Layer, "__init__", no_model)
    hypermodel = HYPERMODELS[name]()
    space = hypermodel.space
    assert sa.declare(hypermodel) is space
    assert hypermodel.space is space
    assert isinstance(space, sa.Space)


# -- building and training -------------------------------------------------------------


def images(hypermodel, count=8):
    shape = hypermodel.input_shape
    return np.random.default_rng(0).random((count, *shape)).astype("float32") * 255


def build_declaring_the_space(hypermodel, point=None):
    """Build at ``point`` (defaults where absent); the build must declare ``.space`` exactly."""
    keras.backend.clear_session()
    handle = sa.HyperParameters(point, declared=hypermodel.space)
    model = hypermodel.build(handle)
    assert isinstance(model, keras.Model)
    assert list(handle.space) == list(hypermodel.space)
    assert handle.space == hypermodel.space
    assert dict(handle.values) == dict(sa.defaults(hypermodel.space)) | dict(point or {})
    return model


def fit_one_step(hypermodel, model):
    x = images(hypermodel)
    if not model.compiled:  # an augmentation model: train it inside a small classifier
        model = keras.Sequential([model, layers.GlobalAveragePooling2D(), layers.Dense(10)])
        model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        y = np.arange(8) % 10
    else:
        assert model.loss == "categorical_crossentropy"
        y = keras.utils.to_categorical(np.arange(8) % hypermodel.classes, hypermodel.classes)
    # One step on TensorFlow runs eagerly: tracing a graph for a single step costs ten
    # times the step (the guide's scenario below trains in graph mode, as tuners do).
    model.run_eagerly = not JAX
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert len(history.history["loss"]) == 1
    assert math.isfinite(history.history["loss"][0])


@pytest.mark.parametrize("name", HYPERMODELS)
def test_builds_and_trains_at_its_defaults(name):
    hypermodel = HYPERMODELS[name]()
    model = build_declaring_the_space(hypermodel)
    if JAX or model.count_params() < MAX_FITTED_PARAMETERS:
        fit_one_step(hypermodel, model)
    assert sa.declare(hypermodel.build) == hypermodel.space


@pytest.mark.skipif(JAX, reason="drawn points are built on TensorFlow; JAX builds the defaults")
@pytest.mark.parametrize("name", HYPERMODELS)
def test_builds_at_points_drawn_from_its_space(name):
    hypermodel = HYPERMODELS[name]()

    @settings(
        max_examples=3,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(values(hypermodel.space))
    def builds(point):
        model = build_declaring_the_space(hypermodel, point)
        if model.count_params() < MAX_FITTED_PARAMETERS:
            fit_one_step(hypermodel, model)

    builds()


def test_without_the_top_a_model_returns_features_uncompiled():
    hypermodel = HyperXception(include_top=False, input_shape=(28, 28, 1))
    point = {"sep_num_filters": 128, "num_residual_blocks": 2, "pooling": "max"}
    model = build_declaring_the_space(hypermodel, point)
    assert not model.compiled
    assert model.output_shape == (None, 256)  # the exit block doubles the width


def test_an_augmentation_model_changes_images_only_in_training():
    layer = RandomAugment({"rotate": 0.0, "contrast": 0.5}, seed=1)
    x = images(HyperImageAugment(input_shape=(8, 8, 3)), count=16)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(x, training=False)), x)
    out = keras.ops.convert_to_numpy(layer(x, training=True))
    changed = [not np.allclose(a, b) for a, b in zip(out, x, strict=True)]
    assert 0 < sum(changed) < 16  # "rotate" (factor 0) leaves its picks unchanged
    assert RandomAugment.from_config(layer.get_config()).factors == layer.factors
    # translate_x shifts along the width (KerasTuner's shifts along the height).
    shift = _augment.transform_layer("translate_x", 0.3)
    assert (shift.width_factor, shift.height_factor) == (0.3, 0.0)


@pytest.mark.skipif(
    JAX, reason="Keras loads the file the same way on every backend; JAX builds slowly"
)
def test_local_pretrained_weights_are_loaded(tmp_path):
    keras.backend.clear_session()
    backbone = keras.applications.EfficientNetB0(include_top=False, weights=None)
    path = tmp_path / "b0.weights.h5"
    backbone.save_weights(path)
    hypermodel = HyperEfficientNet(input_shape=(32, 32, 3), classes=10, weights={"B0": path})
    assert hypermodel.space["version"].values == ("B0",)  # only versions with weights
    model = build_declaring_the_space(hypermodel)
    for name in ("stem_conv", "top_conv"):
        expected = backbone.get_layer(name).get_weights()
        for got, want in zip(model.get_layer(name).get_weights(), expected, strict=True):
            np.testing.assert_array_equal(got, want)


# -- the guide's scenario ----------------------------------------------------------------


def test_the_guides_prebuilt_scenario(guide_data, tmp_path, capsys):
    x_train, y_train, x_val, y_val = guide_data
    hypermodel = keras_tuner.applications.HyperXception(input_shape=(28, 28, 1), classes=10)
    hp = keras_tuner.HyperParameters()
    hp.Choice("learning_rate", values=[1e-2, 1e-3, 1e-4])
    tuner = keras_tuner.RandomSearch(
        hypermodel,
        hyperparameters=hp,
        tune_new_entries=False,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        objective="val_accuracy",
        max_trials=3,
        overwrite=True,
        directory=tmp_path / "my_dir",
        project_name="helloworld",
    )
    tuner.search(x_train, y_train, epochs=1, validation_data=(x_val, y_val), verbose=0, log=True)
    tuner.search_space_summary()
    out = capsys.readouterr().out
    assert out.endswith((GUIDE / "guide_prebuilt_xception.txt").read_text())
    assert "Trial 3 Complete [" in out

    trials = tuner.trials
    assert [t.state for t in trials] == [sa.TrialState.COMPLETED] * 3
    assert sorted(t.values["learning_rate"] for t in trials) == [1e-4, 1e-3, 1e-2]
    pinned = sa.defaults(hypermodel.space.drop("learning_rate"))
    for trial in trials:
        assert {k: v for k, v in trial.values.items() if k != "learning_rate"} == dict(pinned)
        assert trial.metrics["loss"]
        assert "val_accuracy" in trial.metrics


# -- errors and docstrings ---------------------------------------------------------------

BAD_CALLS = [
    (
        lambda: HyperXception(input_shape=(28, 28, 1)),
        InvalidArgumentError,
        (
            "HyperXception(): classes=None is not valid; allowed: the number of classes, a "
            "positive int (a classifier head needs it; include_top=False builds none)"
        ),
    ),
    (
        lambda: HyperResNet(classes=10),
        InvalidArgumentError,
        (
            "HyperResNet(): input_shape=None is not valid; allowed: the shape of one image, "
            "(height, width, channels) such as (28, 28, 1), or a Keras tensor as input_tensor="
        ),
    ),
    (
        lambda: HyperResNet(input_shape=(28, 28), classes=10),
        InvalidArgumentError,
        (
            "HyperResNet(): input_shape=(28, 28) is not valid; allowed: the shape of one image, "
            "(height, width, channels): positive ints (None for a height or width known only at "
            "run time)"
        ),
    ),
    (
        lambda: HyperEfficientNet(input_shape=(32, 32, 3)),
        InvalidArgumentError,
        (
            "HyperEfficientNet(): classes=None is not valid; allowed: the number of classes, a "
            "positive int (a classifier head needs it; include_top=False builds none)"
        ),
    ),
    (
        lambda: HyperEfficientNet(input_shape=(32, 32, 3), classes=0),
        InvalidArgumentError,
        (
            "HyperEfficientNet(): classes=0 is not valid; allowed: the number of classes, a "
            "positive int"
        ),
    ),
    (
        lambda: HyperEfficientNet(input_shape=(32, 32, 3), classes=2, augmentation_model="flip"),
        ArgumentTypeError,
        (
            "HyperEfficientNet(): augmentation_model='flip' is not valid; allowed: None, a Keras "
            "model, or a HyperModel such as HyperImageAugment"
        ),
    ),
    (
        lambda: HyperEfficientNet(input_shape=(32, 32, 3), classes=2, weights={"B9": "x.h5"}),
        InvalidArgumentError,
        (
            "HyperEfficientNet(): weights={'B9': 'x.h5'} is not valid; allowed: versions among "
            "['B0', 'B1', 'B2', 'B3', 'B4', 'B5', 'B6', 'B7']"
        ),
    ),
    (
        lambda: HyperEfficientNet(input_shape=(32, 32, 3), classes=2, weights={"B1": "no.h5"}),
        InvalidArgumentError,
        (
            "HyperEfficientNet(): weights={'B1': 'no.h5'} is not valid; allowed: existing local "
            "files (no file at 'no.h5' for B1; nothing is downloaded)"
        ),
    ),
    (
        lambda: HyperEfficientNet(
            input_shape=(32, 32, 3),
            classes=2,
            augmentation_model=HyperResNet(include_top=False, input_shape=(32, 32, 3)),
        ),
        InvalidSpaceError,
        (
            "Space(): 'version' is declared twice; allowed: each name once (use distinct names or "
            "a name_scope)"
        ),
    ),
    (
        lambda: HyperImageAugment(input_shape=(32, 32, 3), rotate=1.5),
        InvalidArgumentError,
        (
            "HyperImageAugment(): rotate=1.5 is not valid; allowed: a number x in [0, 1] (factors "
            "from 0 to x), a pair (low, high) with 0 <= low <= high <= 1, or None or 0 to leave "
            "the transform out"
        ),
    ),
    (
        lambda: HyperImageAugment(input_shape=(32, 32, 3), contrast=[0.4, 0.1]),
        InvalidArgumentError,
        (
            "HyperImageAugment(): contrast=[0.4, 0.1] is not valid; allowed: a number x in [0, 1] "
            "(factors from 0 to x), a pair (low, high) with 0 <= low <= high <= 1, or None or 0 "
            "to leave the transform out"
        ),
    ),
    (
        lambda: HyperImageAugment(input_shape=(32, 32, 3), augment_layers=2.5),
        InvalidArgumentError,
        (
            "HyperImageAugment(): augment_layers=2.5 is not valid; allowed: an int n (1 to n "
            "RandAugment layers), a pair (low, high) of ints with 0 <= low <= high, or 0 or None "
            "to apply every transform in turn"
        ),
    ),
    (
        lambda: RandomAugment({"rotate": 0.1, "flip": 0.5}),
        InvalidArgumentError,
        (
            "transform_layer(): transform='flip' is not valid; allowed: one of ['rotate', "
            "'translate_x', 'translate_y', 'contrast']"
        ),
    ),
    (
        lambda: HyperImageAugment(input_tensor="images"),
        InvalidArgumentError,
        (
            "HyperImageAugment(): input_tensor='images' is not valid; allowed: a Keras tensor of "
            "images, (batch, height, width, channels), such as keras.Input(shape=(32, 32, 3))"
        ),
    ),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_CALLS)
def test_bad_arguments_raise_clear_errors(call, error, message):
    with pytest.raises(error) as caught:
        call()
    assert type(caught.value) is error
    assert str(caught.value) == message
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value)


def test_the_applications_are_exported():
    assert keras_tuner.applications is applications
    assert "applications" in keras_tuner.__all__
    assert keras_tuner.__all__ == sorted(keras_tuner.__all__)
    assert applications.__all__ == sorted(applications.__all__)
    assert isinstance(
        applications.HyperXception(input_shape=(8, 8, 1), classes=2), keras_tuner.HyperModel
    )


@pytest.mark.parametrize(
    "module",
    [applications, _prebuilt, _xception, _resnet, _efficientnet, _augment],
    ids=lambda module: module.__name__.rsplit(".", 1)[-1],
)
def test_docstring_examples_run(module):
    failed, attempted = doctest.testmod(module, report=True)
    assert failed == 0
    assert attempted > 0 or module is _prebuilt  # the helpers' module has no examples
