"""Colours with a meaning (priority, state), shared by every panel and the map."""

PRIORITY_COLORS = {
    "critical": "#e5484d",
    "high": "#f5a524",
    "medium": "#e5d34a",
    "low": "#4cc38a",
}
PRIORITY_ORDER = {"critical": 0, "high": 1, "medium": 2, "low": 3}

STATE_COLORS = {
    "ok": "#4cc38a",
    "warning": "#f5a524",
    "alarm": "#e5484d",
    "offline": "#8b8d98",
    "info": "#3e9eff",
}

# Theme variables substituted into resources/themes/*.qss ("@name").
THEMES = {
    "dark": {
        "bg": "#15171c", "bg_alt": "#1c1f26", "panel": "#20242c", "raised": "#2a2f39",
        "border": "#343a46", "text": "#e3e6eb", "text_dim": "#9aa2b1", "accent": "#3e9eff",
        "accent_text": "#ffffff", "selection": "#1f4f8a", "danger": "#e5484d", "ok": "#4cc38a",
        "warning": "#f5a524", "input": "#171a20",
    },
    "light": {
        "bg": "#f3f4f6", "bg_alt": "#ffffff", "panel": "#ffffff", "raised": "#e8eaee",
        "border": "#c9ced6", "text": "#1b1f24", "text_dim": "#5b6472", "accent": "#1769d1",
        "accent_text": "#ffffff", "selection": "#cfe2fb", "danger": "#c9252d", "ok": "#1f8f5a",
        "warning": "#b86e00", "input": "#ffffff",
    },
}
