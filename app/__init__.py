"""三晋通 — the mobile side of Shanxi's integrated online government-service platform."""
