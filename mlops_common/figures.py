"""Matplotlib figures as PNG bytes, and as Markdown images the Dagster UI shows in metadata."""

import base64
import io


def new_figure(rows: int = 1, columns: int = 1, **subplots):
    """A figure on the non-interactive Agg backend (runs have no display)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(rows, columns, **subplots)


def png_bytes(figure, dpi: int = 90, top: float = 1.0) -> bytes:
    """Renders and closes `figure`; `top` < 1 keeps the band above it for a title and legend."""
    import matplotlib.pyplot as plt

    figure.tight_layout(rect=(0, 0, 1, top))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    plt.close(figure)
    return buffer.getvalue()


def markdown_image(png: bytes, alt: str) -> str:
    """Markdown embedding a PNG, for MetadataValue.md."""
    return f"![{alt}](data:image/png;base64,{base64.b64encode(png).decode()})"
