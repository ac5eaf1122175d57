"""The table type of asset inputs and outputs, without importing pandas at load time."""

from typing import Any, TypeAlias

Frame: TypeAlias = Any
"""A pandas DataFrame. Annotated as Any so that loading the code location does not import pandas
(~1 s); the table IO manager then reads tables as its default type, a pandas DataFrame."""
