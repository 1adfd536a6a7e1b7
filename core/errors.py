class DomainError(Exception):
    """A rule refused the action. ``code`` is stable for callers and tests; ``message`` is for people."""

    def __init__(self, code: str, message: str, **params):
        self.code = code
        self.message = message
        self.params = params
        super().__init__(f"{code}: {message}")
