// Where the mini-program finds the API, by WeChat environment (develop / trial / release).
const ENVS = {
  develop: { baseUrl: 'http://127.0.0.1:8000' },
  trial: { baseUrl: 'https://sjt-test.shanxi.gov.cn' },
  release: { baseUrl: 'https://sjt.shanxi.gov.cn' },
}

function envVersion() {
  try {
    return wx.getAccountInfoSync().miniProgram.envVersion || 'develop'
  } catch (e) {
    return 'develop'
  }
}

const config = {
  baseUrl: (ENVS[envVersion()] || ENVS.develop).baseUrl,
  apiPrefix: '/api/v1',
  // Subscribe-message template ids (app/notifications/templates.py TEMPLATES).
  templates: {
    application_status: 'SJT-TPL-PROGRESS',
    appointment: 'SJT-TPL-APPOINTMENT',
    licence: 'SJT-TPL-LICENCE',
    payment: 'SJT-TPL-PAYMENT',
    delegation: 'SJT-TPL-DELEGATION',
    delivery: 'SJT-TPL-DELIVERY',
  },
  // 亮证: ask for a new code this many seconds before the current one expires.
  qrRefreshBeforeSeconds: 10,
  // Development against `make run`: the built-in WeChat simulator cannot redeem a real wx.login
  // code, so in the develop environment the login code comes from its dev helper for this openid
  // (a demo account). Never used in trial/release.
  devOpenid: envVersion() === 'develop' ? 'demo-resident-zhang' : null,
  useSimulatorLogin: false,
}

module.exports = config
