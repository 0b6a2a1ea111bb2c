const catalog = require('../../services/catalog')
const wallet = require('../../services/wallet')
const applications = require('../../services/applications')
const apply = require('../../services/apply')
const schemaForm = require('../../utils/schema-form')
const drafts = require('../../utils/drafts')
const subscribe = require('../../utils/subscribe')
const elder = require('../../utils/elder')

Page({
  data: {
    elder: false, code: '', applicationId: '', item: null, fields: [], form: {}, errors: {},
    materials: [], licences: [], value: {}, corrections: [], correctionNote: '', busy: false, restored: false,
  },
  async onLoad(query) {
    const code = decodeURIComponent(query.code || '')
    const applicationId = query.id || ''
    let existing = null
    if (applicationId) existing = await applications.get({ id: applicationId })
    const itemCode = code || (existing && existing.item_code)
    const item = await catalog.getItem({ code: itemCode })
    let licences = []
    try {
      const res = await wallet.list({}, { silent: true })
      licences = Array.isArray(res) ? res : res.items || []
    } catch (e) { /* no wallet: uploads only */ }
    const draft = drafts.load(itemCode)
    const fromCase = existing ? { form: existing.form || {}, materials: apply.valueFromMaterials(existing.materials) } : null
    const start = fromCase || draft || { form: {}, materials: {} }
    this.setData({
      code: itemCode,
      applicationId: applicationId || (draft && draft.applicationId) || '',
      item,
      fields: schemaForm.fields(item.form_schema || {}),
      form: start.form || {},
      value: start.materials || {},
      materials: item.materials || [],
      licences,
      corrections: (existing && existing.corrections) || [],
      correctionNote: (existing && existing.decision_reason) || '',
      restored: Boolean(!fromCase && draft),
    })
  },
  onShow() {
    elder.apply(this)
  },
  keepDraft() {
    drafts.save(this.data.code, { applicationId: this.data.applicationId || null, form: this.data.form, materials: this.data.value })
  },
  onField(e) {
    const { name, widget } = e.currentTarget.dataset
    let value = e.detail.value
    if (widget === 'select') {
      const field = this.data.fields.find((f) => f.name === name)
      value = field.options[Number(value)].value
    }
    this.setData({ [`form.${name}`]: value, [`errors.${name}`]: '' })
    this.keepDraft()
  },
  onMaterials(e) {
    this.setData({ value: e.detail.value })
    this.keepDraft()
  },
  async onSaveDraft() {
    this.keepDraft()
    try {
      const draft = await apply.saveDraft({ itemCode: this.data.code, applicationId: this.data.applicationId, form: schemaForm.normalise(this.data.item.form_schema, this.data.form), materials: this.data.value })
      this.setData({ applicationId: draft.id })
      this.keepDraft()
      wx.showToast({ title: '草稿已保存', icon: 'success' })
    } catch (e) { /* kept locally; toast shown */ }
  },
  async onSubmit() {
    const schema = this.data.item.form_schema || {}
    const errors = schemaForm.validate(schema, this.data.form)
    this.setData({ errors })
    if (Object.keys(errors).length) {
      wx.showToast({ title: Object.values(errors)[0], icon: 'none' })
      return null
    }
    const missing = apply.missingMaterials(this.data.materials, this.data.value)
    if (missing.length) {
      wx.showToast({ title: `请提供：${missing.join('、')}`, icon: 'none' })
      return null
    }
    // Asked from the submit tap itself (WeChat only allows it on a user gesture).
    await subscribe.ask('submit')
    this.setData({ busy: true })
    try {
      const result = await apply.submit({
        itemCode: this.data.code, applicationId: this.data.applicationId, form: schemaForm.normalise(schema, this.data.form), materials: this.data.value,
        onDraft: (id) => { if (id !== this.data.applicationId) { this.setData({ applicationId: id }); this.keepDraft() } },
      })
      drafts.clear(this.data.code)
      wx.redirectTo({ url: `/cases/detail/index?id=${result.id}` })
      return result
    } catch (e) {
      // the server's check names every problem at once: shown on the fields and the materials
      if (e.code === 'APPLICATION_INCOMPLETE') {
        const problems = apply.problemsFrom(e)
        problems.materials.forEach((p) => { p.name = (this.data.materials.find((m) => m.code === p.material_code) || {}).name || p.material_code })
        this.setData({ errors: problems.form, corrections: problems.materials.concat(this.data.corrections.filter((c) => !problems.materials.some((p) => p.material_code === c.material_code))) })
      }
      return null
    } finally {
      this.setData({ busy: false })
    }
  },
})
