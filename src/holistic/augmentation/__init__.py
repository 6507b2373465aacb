"""Data augmentation: perturbations of instances for robustness and fairness (§7)."""
