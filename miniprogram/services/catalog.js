// The service catalogue: search (Chinese or pinyin initials), item guides, regions, halls, topics.
const { endpoint } = require('../utils/api')

const api = {
  searchItems: endpoint('GET', '/items'), // {q, region, level, audience, topic, cursor}
  getItem: endpoint('GET', '/items/{code}'),
  regions: endpoint('GET', '/regions'), // {parent}
  halls: endpoint('GET', '/halls'), // {region, item}
  topics: endpoint('GET', '/topics'),
}

const LEVELS = [
  { value: '', label: '全部层级' },
  { value: 'province', label: '省级' },
  { value: 'city', label: '市级' },
  { value: 'county', label: '县级' },
  { value: 'township', label: '乡镇' },
  { value: 'village', label: '村（社区）' },
]
const AUDIENCES = [
  { value: '', label: '全部对象' },
  { value: 'person', label: '个人' },
  { value: 'legal_person', label: '法人' },
]
const PROVINCE = '140000' // 山西省
const DEPTH = { 1: '办事指南', 2: '预约办理', 3: '在线预审', 4: '全程网办' }

// The guide's facts in the order a resident reads them.
function guideSections(item) {
  const materials = (item.materials || []).map((m) => ({
    ...m,
    requiredLabel: m.required ? '必需' : (m.condition ? `视情形：${m.condition}` : '非必需'),
    walletLabel: m.license_type ? '可用电子证照免提交' : '',
  }))
  return {
    materials,
    depthLabel: DEPTH[item.online_depth] || '',
    timeLimit: `法定${item.legal_days}个工作日，承诺${item.promised_days}个工作日`,
  }
}

module.exports = { ...api, PROVINCE, LEVELS, AUDIENCES, DEPTH, guideSections }
