"""A WeChat server stand-in for development and tests: WeChat's own paths, signed and encrypted
as WeChat does, plus /dev helpers. Mounted at /wechat-sim/ in the embedded mode only."""
