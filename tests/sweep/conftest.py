from tests.sweep.fixtures import clients, world

__all__ = ["clients", "world"]
