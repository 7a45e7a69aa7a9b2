"""Train, evaluate and export Colorizer's generator (needs the ``train`` extra: torch).

The app never imports this package; it imports ``colorizer_gui.core`` for the
shared Lab definition and the model contract.
"""
