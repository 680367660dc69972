"""Small factories that build inputs with known answers."""
