"""Accountability: oversight groups' meetings, decisions and actions; anonymous lived and
living experience feedback; the quarterly MAT progress trajectory."""
