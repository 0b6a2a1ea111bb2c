// Material uploads: wx.chooseMedia → wx.uploadFile to POST files.
const { uploadEndpoint } = require('../utils/api')

const upload = uploadEndpoint('/files')

function chooseMedia({ count = 1 } = {}) {
  return new Promise((resolve, reject) => {
    wx.chooseMedia({
      count,
      mediaType: ['image'],
      sourceType: ['album', 'camera'],
      sizeType: ['compressed'],
      success: (res) => resolve(res.tempFiles || []),
      fail: (err) => reject(err),
    })
  })
}

// Choose photos and upload each (multipart field `file`); resolves what POST files answers:
// [{id, original_name, content_type, size, sha256, content_url, created_at}].
async function pickAndUpload({ count = 1 } = {}) {
  const files = await chooseMedia({ count })
  const uploaded = []
  for (const f of files) {
    uploaded.push(await upload({ filePath: f.tempFilePath, name: 'file' }))
  }
  return uploaded
}

module.exports = { upload, chooseMedia, pickAndUpload }
