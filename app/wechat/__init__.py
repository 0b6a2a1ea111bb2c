"""WeChat: clients the platform uses (wechatpy, WeChat Pay v3) and the built-in simulator."""
