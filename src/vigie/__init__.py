"""vigie: protect an election's information space.

Detect coordinated inauthentic behaviour, weigh risks with EBIOS RM, share with allies by
trust, and exercise detection on synthetic scenarios with ground truth.
"""

__version__ = "0.1.0"
