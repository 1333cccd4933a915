"""Quarantined records for operators (NIK/KK masked) and their replay through the quality gateway."""
