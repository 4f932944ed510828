"""Customer health: a 0–100 score per account from the CRM data in the store (score.py), its
weights, thresholds and message templates saved in the `settings` table (config.py), and the
"nobody forgotten" alerts (alerts.py). See docs/health.md for the factors and their weights."""
