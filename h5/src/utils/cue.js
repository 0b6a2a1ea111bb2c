// A short beep: high for success, low double for failure (the counter's sound cue).
let ctx = null
export function cue(ok) {
  try {
    const AC = window.AudioContext || window.webkitAudioContext
    if (!AC) return
    ctx = ctx || new AC()
    const tones = ok ? [[880, 0]] : [[220, 0], [220, 0.2]]
    for (const [freq, at] of tones) {
      const osc = ctx.createOscillator()
      const gain = ctx.createGain()
      osc.frequency.value = freq
      gain.gain.value = 0.15
      osc.connect(gain).connect(ctx.destination)
      osc.start(ctx.currentTime + at)
      osc.stop(ctx.currentTime + at + 0.15)
    }
  } catch {
    /* no audio: the colour cue remains */
  }
}
