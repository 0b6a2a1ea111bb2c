// A QR code drawn as a grid of cells (no canvas: works in every base library and in tests).
const qrcode = require('qrcode-generator')

function matrix(text) {
  if (!text) return []
  const qr = qrcode(0, 'M')
  qr.addData(text, 'Byte')
  qr.make()
  const n = qr.getModuleCount()
  const rows = []
  for (let r = 0; r < n; r++) {
    const cells = []
    for (let c = 0; c < n; c++) cells.push(qr.isDark(r, c) ? 1 : 0)
    rows.push(cells)
  }
  return rows
}

Component({
  properties: {
    text: { type: String, value: '' },
    size: { type: Number, value: 400 }, // rpx
    dim: { type: Boolean, value: false },
  },
  data: { rows: [], cell: 0 },
  observers: {
    'text, size'(text, size) {
      const rows = matrix(text)
      this.setData({ rows, cell: rows.length ? size / (rows.length + 4) : 0 })
    },
  },
})

module.exports = { matrix }
