// 亮证 / ticket QR with a visible countdown: asks its page for a fresh code (`refresh`)
// `refreshBefore` seconds before expiry, shows "已失效" at zero, tap to refresh by hand.
const countdown = require('../../utils/countdown')

Component({
  properties: {
    payload: { type: String, value: '' },
    expiresAt: { type: String, value: '' },
    refreshBefore: { type: Number, value: 10 },
    size: { type: Number, value: 440 },
    elder: { type: Boolean, value: false },
  },
  data: { seconds: 0, label: '', expired: false, requested: false },
  observers: {
    'payload, expiresAt'() {
      this.restart()
    },
  },
  lifetimes: {
    detached() {
      this.stop()
    },
  },
  methods: {
    stop() {
      if (this._stop) this._stop()
      this._stop = null
    },
    restart() {
      this.stop()
      if (!this.data.payload || !this.data.expiresAt) {
        this.setData({ seconds: 0, label: '', expired: !this.data.payload, requested: false })
        return
      }
      this.setData({ requested: false, expired: false })
      this._stop = countdown.start(this.data.expiresAt, (seconds) => this.onTick(seconds))
    },
    onTick(seconds) {
      const expired = seconds <= 0
      this.setData({ seconds, expired, label: expired ? '已失效，点击刷新' : `${countdown.format(seconds)}后自动刷新` })
      if (!this.data.requested && seconds <= this.data.refreshBefore) {
        this.setData({ requested: true })
        this.triggerEvent('refresh', { reason: expired ? 'expired' : 'expiring' })
      }
    },
    onTap() {
      this.triggerEvent('refresh', { reason: 'manual' })
    },
  },
})
