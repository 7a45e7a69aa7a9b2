"""The Qt front end (``colorizer-gui``); it imports core, never the other way round."""

__all__: list[str] = []
