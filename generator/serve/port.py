"""The preview's usual port (one home: the command's option and the server read it)."""

DEFAULT_PORT = 8800
