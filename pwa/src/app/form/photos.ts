/**
 * Photos are downscaled on the tablet before they are stored: a camera's 12 MP original would
 * fill the device and take minutes to send. JPEG at 1600 px on the long side is plenty to show
 * a letter from a creditor or the state of a room; the server re-encodes it again anyway.
 */
const MAX_SIDE = 1600;
const QUALITY = 0.82;

export async function downscale(file: Blob): Promise<Blob> {
  // imageOrientation 'from-image' applies the EXIF rotation before the metadata is dropped.
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * scale));
  const height = Math.max(1, Math.round(bitmap.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d canvas');
  context.drawImage(bitmap, 0, 0, width, height);
  bitmap.close();
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('encoding failed'))), 'image/jpeg', QUALITY),
  );
}
