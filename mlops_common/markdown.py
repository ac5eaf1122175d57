"""Text from data made safe for Markdown tables and lists (reports, alerts, check metadata)."""


def md_cell(value) -> str:
    """`value` as text that cannot break a Markdown table row or list item: `|` is escaped,
    newlines and other control characters become spaces, backticks cannot open code spans."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("`", "'")
