// One platform for the whole browser run (migrate + seed take ~20 s): every spec file connects to
// it through `inject('platformUrl')`. Specs use distinct accounts or tolerate each other's data.
import { startPlatform } from './platform.js'

export default async function setup(project) {
  const platform = await startPlatform()
  project.provide('platformUrl', platform.baseUrl)
  return async () => {
    await platform.stop()
  }
}
