"""Layer 6, running: the backend protocol, execution, executors, the coordinator and the study.

Also entries that join during trials, and ``minimize``/``maximize``/``load``.
Imports only the layers below it.
"""
