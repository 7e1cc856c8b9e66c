"""The IVR: menu documents and their validation, the engine that turns nodes into TwiML, and
the Twilio voice webhooks that drive a call through the menu."""
