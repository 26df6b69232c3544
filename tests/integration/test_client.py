"""A real Zendesk client library (node-zendesk from npm) works unchanged."""
from client_check import run_client


def test_node_zendesk_client(ctx):
    out = run_client(ctx)
    assert "client: all steps passed" in out, out
