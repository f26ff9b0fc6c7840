"""Layer 7, views: what a person reads of a study (tables, plots, the HTML report, a live view).

Everything here reads trial records and search results; nothing writes a store.
matplotlib and pandas are optional and imported when a view needs them.
"""
