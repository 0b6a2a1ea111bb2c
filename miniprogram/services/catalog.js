// The service catalogue: search (Chinese or pinyin initials), item guides, regions, halls, topics.
const { endpoint } = require('../utils/api')

const api = {
  searchItems: endpoint('GET', '/items'), // {q, region, with_parents, level, audience, topic, department, mobile, cursor, limit}
  getItem: endpoint('GET', '/items/{code}'),
  regions: endpoint('GET', '/regions'), // {parent}
  halls: endpoint('GET', '/halls'), // {region, item, cursor, limit} → {items, next_cursor}
  topics: endpoint('GET', '/topics'), // {audience} → {items: [{code, name, item_count}]}
  bundles: endpoint('GET', '/bundles'), // 一件事一次办 → {items: [{code, name, item_count, promised_days}]}
  getBundle: endpoint('GET', '/bundles/{code}'),
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
    walletLabel: m.license_type ? `可用电子证照（${m.license_name || '电子证照'}）免提交` : '',
    originalLabel: m.original_label || '',
  }))
  const limits = item.limits || {}
  const fee = item.fee || {}
  const visits = limits.visits === 0 ? '，零跑动' : (limits.visits > 0 ? `，最多跑${limits.visits}次` : '')
  return {
    materials,
    depthLabel: item.online_depth_label || DEPTH[item.online_depth] || '',
    timeLimit: `法定${limits.legal_days}个工作日，承诺${limits.promised_days}个工作日${visits}`,
    feeFen: fee.charged ? fee.amount_fen : 0,
    feeBasis: fee.basis || '',
  }
}

module.exports = { ...api, PROVINCE, LEVELS, AUDIENCES, DEPTH, guideSections }
