"""Evaluation and development code shared by ``scripts/``, ``benchmarks/`` and ``tests/``.

Importable from the checkout (pytest puts the checkout on ``sys.path``, the scripts do it themselves,
``python -m benchmarks.run`` runs from it); never shipped: the wheel holds only ``search_app``.
It may import ``search_app``; ``search_app`` never imports it.

* ``corpus``: the seeded generator of news-shaped articles, and the real corpora of ``../shared/data``;
* ``pairs``: verdicts on the shared Arabic test pairs through the index's analyzers;
* ``soak``: a store of generated articles, a served index under query load, rebuilds killed at random.
"""
