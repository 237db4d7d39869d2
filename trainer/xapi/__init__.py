"""xAPI 1.0.3: the platform's learning records as statements, kept in an outbox and sent to an
external learning record store (LRS) by `trainer xapi-worker`."""
