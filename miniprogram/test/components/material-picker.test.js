const path = require('path')
const simulate = require('miniprogram-simulate')
const { install } = require('../helpers/wx-mock')

const ROOT = path.resolve(__dirname, '../..')
let wx = install()

describe('material-picker', () => {
  const id = simulate.load(path.join(ROOT, 'components/material-picker/index'))
  const materials = [
    { code: 'M01', name: '居民身份证', required: true, license_type: 'id_card', sample_url: 'https://x/sample-id.png' },
    { code: 'M02', name: '户口簿', required: true, license_type: 'hukou' },
    { code: 'M03', name: '委托书', required: false },
  ]
  const licences = [
    { id: 'lic-1', type: 'id_card', name: '居民身份证', status: 'valid' },
    { id: 'lic-2', type: 'hukou', name: '户口簿（旧）', status: 'expired' },
  ]

  beforeEach(() => { wx = install() })

  function mount(props) {
    const comp = simulate.render(id, { materials, licences, ...props })
    comp.attach(document.createElement('parent-wrapper'))
    return comp
  }

  test('lists materials; only valid matching licences offer 免提交; corrections are flagged', () => {
    const comp = mount({ corrections: [{ material_code: 'M02', reason: '户口簿本人页缺失' }] })
    expect(comp.querySelectorAll('.mp__name').map((n) => n.dom.textContent)).toEqual(['居民身份证', '户口簿', '委托书'])
    expect(comp.querySelectorAll('.mp__wallet')).toHaveLength(1)
    expect(comp.querySelectorAll('.mp__correction').map((n) => n.dom.textContent)).toEqual(['需补正：户口簿本人页缺失'])
    expect(comp.querySelectorAll('.mp__row')[1].dom.className).toContain('mp__row--correction')
    expect(comp.querySelectorAll('.mp__status').map((n) => n.dom.textContent)).toEqual(['未提供', '未提供', '非必需'])
  })

  test('拍照/上传 chooses media, uploads to POST files and emits the file ids', async () => {
    const comp = mount({})
    const changes = []
    comp.addEventListener('change', (e) => changes.push(e.detail))
    comp.querySelectorAll('.mp__upload')[1].dispatchEvent('tap')
    await simulate.sleep(5)
    expect(wx.callsOf('chooseMedia')).toHaveLength(1)
    expect(wx.callsOf('uploadFile')[0].url).toMatch(/\/api\/v1\/files$/)
    expect(changes).toEqual([{ code: 'M02', value: { M02: { files: [{ id: 'file-1', name: 'a.jpg' }] } } }])
    expect(comp.querySelectorAll('.mp__status')[1].dom.textContent).toBe('已上传1份')
  })

  test('用电子证照 picks the wallet licence (免提交); 清除 resets it', async () => {
    const comp = mount({})
    const changes = []
    comp.addEventListener('change', (e) => changes.push(e.detail.value))
    comp.querySelector('.mp__wallet').dispatchEvent('tap')
    await simulate.sleep(0)
    expect(changes[0]).toEqual({ M01: { license_id: 'lic-1' } })
    expect(comp.querySelectorAll('.mp__status')[0].dom.textContent).toBe('已选用电子证照：居民身份证（免提交）')
    comp.querySelector('.mp__clear').dispatchEvent('tap')
    await simulate.sleep(0)
    expect(changes[1]).toEqual({ M01: {} })
  })

  test('看样例 previews the sample image', async () => {
    const comp = mount({})
    comp.querySelector('.mp__sample').dispatchEvent('tap')
    await simulate.sleep(0)
    expect(wx.callsOf('downloadFile')[0].url).toBe('https://x/sample-id.png')
    expect(wx.callsOf('openDocument')[0]).toMatchObject({ filePath: 'wxfile://tmp/doc.pdf', fileType: 'pdf' })
  })
})
