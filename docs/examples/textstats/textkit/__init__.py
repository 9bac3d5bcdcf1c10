"""Given code of the text-statistics assignment (do not modify): a sample text and the checks."""
