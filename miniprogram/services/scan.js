// The scan button: wx.scanCode, then route by the payload's SJT1 prefix.
const qr = require('../utils/qr')

function scanCode() {
  return new Promise((resolve, reject) => {
    wx.scanCode({
      onlyFromCamera: false,
      scanType: ['qrCode'],
      success: (res) => resolve(res.result || ''),
      fail: (err) => reject(err),
    })
  })
}

// Where a scanned payload leads in the mini-program, or a message when it leads nowhere.
function route(raw) {
  const code = qr.parse(raw)
  switch (code.type) {
    case 'login': return { code, url: `/scan/login/index?ticket=${encodeURIComponent(code.value)}` }
    case 'delegation': return { code, url: `/scan/delegation/index?ticket=${encodeURIComponent(code.value)}` }
    case 'licence': return { code, message: '这是电子证照亮证码，请由窗口工作人员扫码核验' }
    case 'appointment': return { code, message: '这是预约签到码，请在大厅窗口或取号机扫码' }
    default: return { code, message: '无法识别的二维码，请扫描三晋通二维码' }
  }
}

module.exports = { scanCode, route }
