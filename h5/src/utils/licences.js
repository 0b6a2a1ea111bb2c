// 亮证/授权 purposes (app/licenses/types.py PURPOSES): they decide which fields a verifier may see.
export const PURPOSES = {
  validity: '核验证照真伪及有效期',
  identity: '核验持证人身份',
  government_service: '办理政务服务',
  business: '商务合作/开户',
  employment: '入职/用工登记',
  lodging: '住宿登记',
  traffic: '交通出行/执法检查',
  social_service: '社会保障/救助服务',
}
// Verification results (app/licenses/verification.py REASONS), for the holder's access log.
export const RESULTS = {
  OK: '核验通过',
  MALFORMED: '二维码无法识别',
  BAD_SIGNATURE: '签名校验失败',
  EXPIRED_CODE: '亮证码已过期',
  REPLAYED: '亮证码已使用过',
  NOT_FOUND: '证照不存在',
  REVOKED: '证照已注销',
  SUSPENDED: '证照已暂停使用',
  EXPIRED_LICENCE: '证照已超过有效期',
  PURPOSE_MISMATCH: '核验用途不一致',
  PURPOSE_NOT_ALLOWED: '核验方未登记该用途',
}
export const CHANNELS = { counter: '窗口扫码核验', api: '核验方核验', grant: '授权用证', material: '办件免提交', public: '公众扫码核验' }
