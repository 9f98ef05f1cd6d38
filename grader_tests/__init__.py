"""Hidden checks for the course labs: references, gradient checking, diagnoses."""
