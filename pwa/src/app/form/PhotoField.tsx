/** Photos: taken with the camera (or chosen), downscaled on the tablet, each with a caption. */
import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n';
import type { FileFieldProps } from './context';
import { downscale } from './photos';

interface Photo {
  attachment: string;
  caption?: string;
}


export function PhotoField({ id, question, value, context, set }: FileFieldProps) {
  const m = t.value.photo;
  const photos: Photo[] = Array.isArray(value) ? (value as Photo[]) : [];
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);

  async function add(files: FileList | null) {
    if (!files?.length) return;
    setBusy(true);
    setFailed(false);
    let next = photos;
    for (const file of Array.from(files)) {
      try {
        const small = await downscale(file);
        const name = freeName(question.code, [...context.files.keys(), ...next.map((p) => p.attachment)]);
        await context.putFile(name, small, 'image/jpeg');
        next = [...next, { attachment: name, caption: '' }];
      } catch {
        setFailed(true);
      }
    }
    setBusy(false);
    set(next.length ? next : undefined);
  }

  return (
    <div class="photos">
      <ul class="thumbs">
        {photos.map((photo, index) => (
          <li key={photo.attachment}>
            <Thumb blob={context.files.get(photo.attachment) ?? null} alt={photo.caption || m.alt(index + 1)} />
            <label>
              {m.caption} {index + 1}
              <input
                value={photo.caption ?? ''}
                maxLength={200}
                onInput={(event) =>
                  set(photos.map((p, i) => (i === index ? { ...p, caption: event.currentTarget.value } : p)))
                }
              />
            </label>
            <button
              type="button"
              class="secondary"
              onClick={() => {
                void context.removeFile(photo.attachment).then(() => {
                  const rest = photos.filter((_, i) => i !== index);
                  set(rest.length ? rest : undefined);
                });
              }}
            >
              {m.remove} {index + 1}
            </button>
          </li>
        ))}
      </ul>
      <label class="button secondary file">
        {m.take}
        <input
          id={id}
          type="file"
          accept="image/*"
          capture="environment"
          multiple
          class="visually-hidden"
          onChange={(event) => {
            const input = event.currentTarget;
            void add(input.files).then(() => (input.value = ''));
          }}
        />
      </label>
      {busy && <p role="status">{m.processing}</p>}
      {failed && <p class="error">{m.failed}</p>}
    </div>
  );
}

/** Names are unique per visit, across repeat items too. */
function freeName(code: string, taken: string[]): string {
  const used = new Set(taken);
  for (let n = 1; ; n++) {
    const name = `${code.replace(/_/g, '-')}-${n}.jpg`;
    if (!used.has(name)) return name;
  }
}

function Thumb({ blob, alt }: { blob: Blob | null; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!blob) return;
    const made = URL.createObjectURL(blob);
    setUrl(made);
    return () => URL.revokeObjectURL(made);
  }, [blob]);
  return url ? <img src={url} alt={alt} width={160} /> : null;
}
