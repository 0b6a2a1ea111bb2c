// The materials of an application: upload photos (wx.chooseMedia + POST files) or use a wallet
// licence instead (免提交). Materials named in a correction notice are flagged with the reason.
const files = require('../../services/files')
const { matchingLicences } = require('../../services/wallet')

function build(materials, licences, value, corrections) {
  const reasons = {}
  ;(corrections || []).forEach((c) => { reasons[c.material_code || c.code] = c.reason || c.note || '需补正' })
  return (materials || []).map((m) => {
    const v = (value || {})[m.code] || {}
    const usable = matchingLicences(licences, m)
    const licence = v.license_id ? (licences || []).find((l) => l.id === v.license_id) : null
    const count = (v.files || []).length
    return {
      code: m.code,
      name: m.name,
      required: Boolean(m.required),
      sample: m.sample_url || '',
      canUseWallet: usable.length > 0,
      correction: reasons[m.code] || '',
      done: Boolean(licence) || count > 0,
      status: licence ? `已选用电子证照：${licence.type_name || licence.name}（免提交）` : count ? `已上传${count}份` : (m.required ? '未提供' : '非必需'),
    }
  })
}

Component({
  properties: {
    materials: { type: Array, value: [] },
    licences: { type: Array, value: [] },
    value: { type: Object, value: {} },
    corrections: { type: Array, value: [] },
    elder: { type: Boolean, value: false },
  },
  data: { rows: [], busy: '' },
  observers: {
    'materials, licences, value, corrections'(materials, licences, value, corrections) {
      this.setData({ rows: build(materials, licences, value, corrections) })
    },
  },
  methods: {
    material(code) {
      return (this.data.materials || []).find((m) => m.code === code)
    },
    emit(code, entry) {
      const value = { ...(this.data.value || {}), [code]: entry }
      this.setData({ value })
      this.triggerEvent('change', { value, code })
    },
    async onUpload(e) {
      const code = e.currentTarget.dataset.code
      this.setData({ busy: code })
      try {
        const uploaded = await files.pickAndUpload({ count: 3 })
        if (uploaded.length) {
          const prev = (this.data.value || {})[code] || {}
          const list = (prev.files || []).concat(uploaded.map((f) => ({ id: f.id, name: f.original_name || f.name || '图片' })))
          this.emit(code, { files: list })
        }
      } catch (err) {
        // cancelled picking or an upload error already shown as a toast
      } finally {
        this.setData({ busy: '' })
      }
    },
    onUseWallet(e) {
      const code = e.currentTarget.dataset.code
      const usable = matchingLicences(this.data.licences, this.material(code))
      if (usable.length === 1) {
        this.emit(code, { license_id: usable[0].id })
        return
      }
      wx.showActionSheet({
        itemList: usable.map((l) => `${l.type_name || l.name}${l.identifier ? ` ${l.identifier}` : ''}`),
        success: (res) => this.emit(code, { license_id: usable[res.tapIndex].id }),
      })
    },
    onClear(e) {
      this.emit(e.currentTarget.dataset.code, {})
    },
    // Samples are PDFs the API generates from the item's form schema.
    onSample(e) {
      const url = e.currentTarget.dataset.url
      if (!url) return
      wx.downloadFile({
        url: /^https?:/.test(url) ? url : require('../../config').baseUrl + url,
        success: (res) => wx.openDocument({ filePath: res.tempFilePath, fileType: 'pdf', showMenu: true }),
      })
    },
  },
})
