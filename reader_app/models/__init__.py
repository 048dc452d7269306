"""Qt item models adapting the domain and storage layers to views."""
