"""Column types that keep money and scores exact on every database.

PostgreSQL has an exact NUMERIC; SQLite has none (its "NUMERIC" is a float underneath), so on
SQLite a decimal is stored as a scaled integer: 446048.50 元 at scale 4 is 4460485000. Sums and
sorting in SQL stay exact and correct on both, and Python only ever sees `Decimal`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import BigInteger, Numeric
from sqlalchemy.types import TypeDecorator


class ExactDecimal(TypeDecorator):
    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 2):
        super().__init__()
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(24, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        q = Decimal(value).quantize(self._quantum, rounding=ROUND_HALF_UP)
        return int(q.scaleb(self.scale)) if dialect.name == "sqlite" else q

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            # SUM() over an empty set is NULL; over integers it is an integer.
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value).quantize(self._quantum, rounding=ROUND_HALF_UP)
