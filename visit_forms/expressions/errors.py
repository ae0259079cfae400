"""Why an expression does not parse, with a stable code and the character position."""


class ExpressionError(ValueError):
    def __init__(self, code: str, message: str, position: int) -> None:
        super().__init__(f"{message} (at character {position + 1})")
        self.code = code
        self.message = message
        self.position = position
