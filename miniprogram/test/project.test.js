// The project as WeChat devtools would load it: every page and component is complete and its
// WXML/WXSS compile with the official compilers (wcc / wcsc from miniprogram-compiler).
const fs = require('fs')
const path = require('path')
const compiler = require('miniprogram-compiler')

const ROOT = path.resolve(__dirname, '..')
const appJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const exists = (p) => fs.existsSync(path.join(ROOT, p))

const pages = appJson.pages.concat(...appJson.subpackages.map((s) => s.pages.map((p) => `${s.root}/${p}`)))

describe('app.json', () => {
  test('subpackages per domain', () => {
    expect(appJson.subpackages.map((s) => s.root).sort()).toEqual(['apply', 'appointments', 'cases', 'catalog', 'me', 'pay', 'scan', 'wallet'])
  })

  test.each(pages)('%s has .js, .json and .wxml', (page) => {
    ;['js', 'json', 'wxml'].forEach((ext) => expect(exists(`${page}.${ext}`)).toBe(true))
    expect(() => JSON.parse(fs.readFileSync(path.join(ROOT, `${page}.json`), 'utf8'))).not.toThrow()
  })

  test('tab bar pages live in the main package', () => {
    appJson.tabBar.list.forEach((tab) => expect(appJson.pages).toContain(tab.pagePath))
  })

  test('global components exist and every navigateTo target is a page', () => {
    Object.values(appJson.usingComponents).forEach((c) => expect(exists(`${c.slice(1)}.js`)).toBe(true))
    const sources = pages.map((p) => fs.readFileSync(path.join(ROOT, `${p}.js`), 'utf8'))
      .concat(fs.readdirSync(path.join(ROOT, 'services')).map((f) => fs.readFileSync(path.join(ROOT, 'services', f), 'utf8')))
      .join('\n')
    const targets = [...sources.matchAll(/url: `?'?(\/[a-z-]+\/[a-z-]+\/index)/g)].map((m) => m[1].slice(1))
    expect(targets.length).toBeGreaterThan(10)
    targets.forEach((t) => expect(pages).toContain(t))
  })

  test('sitemap and project config are valid', () => {
    const sitemap = JSON.parse(fs.readFileSync(path.join(ROOT, 'sitemap.json'), 'utf8'))
    sitemap.rules.filter((r) => r.page !== '*').forEach((r) => expect(pages).toContain(r.page))
    const project = JSON.parse(fs.readFileSync(path.join(ROOT, 'project.config.json'), 'utf8'))
    expect(project.compileType).toBe('miniprogram')
  })
})

describe('official compilers', () => {
  test('every WXML compiles (wcc)', () => {
    const code = compiler.wxmlToJs(ROOT)
    // eslint-disable-next-line no-new-func
    const gwx = new Function(code)()
    pages.forEach((p) => expect(typeof gwx(`${p}.wxml`)).toBe('function'))
  })

  test('every WXSS compiles (wcsc)', () => {
    expect(() => compiler.wxssToJs(ROOT)).not.toThrow()
  })
})
