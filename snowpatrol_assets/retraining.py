"""When a warehouse's model is retrained: the rule shared by the training asset and its sensor."""


def retrain_reason(key: str, drifted: set[str], has_model: bool, force: bool) -> str | None:
    """Why `key` needs a new model, or None to keep the current one."""
    if force:
        return "forced retrain"
    if not has_model:
        return "no model yet"
    if key in drifted:
        return "usage drifted"
    return None
