"""Figures of the integration dashboard: a value, how it reads, and the list
it was counted from (a model and a domain). Database-free."""


def human_duration(seconds):
    """A short reading of a duration: < 1 s, 3.2 s, 4 min, 2.5 h, 3.0 d."""
    if seconds is None:
        return "-"
    if seconds < 1:
        return "< 1 s"
    if seconds < 60:
        return f"{seconds:.1f} s"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def age(now, since):
    """How long ago ``since`` was, as read on the dashboard ("-" for never)."""
    return human_duration((now - since).total_seconds() if since else None)


def rate_text(done, dead):
    """The share done among finished messages, or "-" when none finished."""
    return f"{100 * done / (done + dead):.1f} %" if done + dead else "-"


def figure(key, value, title=None, domain=None, **options):
    """A figure; ``title`` and ``domain`` name the list behind it.

    Options: ``model`` of the list (hc.message by default), its ``context``,
    ``listed=False`` when the user may not open it, a ``tone`` (a Bootstrap
    colour, shown only when the value is not 0) and the ``display`` text.
    """
    action = False
    if title is not None and options.get("listed", True):
        action = {
            "name": title,
            "res_model": options.get("model", "hc.message"),
            "domain": domain,
            "context": options.get("context") or {},
        }
    display = options.get("display")
    return {
        "key": key,
        "value": value,
        "display": display if display is not None else str(value),
        "tone": options.get("tone") if value else None,
        "action": action,
    }
