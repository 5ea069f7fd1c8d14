"""The storage layer: upserts and queries over `models`, taking and returning schemas."""
