"""The test suite: pure logic, services on real databases and Redis, whole calls over HTTP."""
