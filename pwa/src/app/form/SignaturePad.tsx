/**
 * A drawn signature: pointer events on a canvas (finger, pen or mouse), cleared with a button,
 * saved as a PNG with a transparent background when the stroke ends. The resident's name is
 * asked beside it; the answer is {attachment, name, signed_at}.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { formatDateTime, t } from '../i18n';

export interface SignatureAnswer {
  attachment: string;
  name: string;
  signed_at: string;
}

interface Props {
  id: string;
  label: string;
  value: SignatureAnswer | null;
  /** The stored drawing, if any, to show again after a reload. */
  image: Blob | null;
  describedBy?: string;
  /** The drawing, and how to read the signer's name as typed when it is stored. */
  onDrawn: (png: Blob, signer: () => string) => void;
  onName: (name: string) => void;
  onClear: () => void;
}

const WIDTH = 600;
const HEIGHT = 200;

export function SignaturePad({ id, label, value, image, describedBy, onDrawn, onName, onClear }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const [name, setName] = useState(value?.name ?? '');
  // The latest typed name, for a drawing that finishes encoding after the name was typed.
  const typed = useRef(name);
  typed.current = name;
  const m = t.value.signature;

  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context || !canvas.current) return;
    context.clearRect(0, 0, WIDTH, HEIGHT);
    if (!image) return;
    let url = '';
    const picture = new Image();
    picture.onload = () => {
      context.drawImage(picture, 0, 0, WIDTH, HEIGHT);
      URL.revokeObjectURL(url);
    };
    url = URL.createObjectURL(image);
    picture.src = url;
  }, [image]);

  function point(event: PointerEvent): [number, number] {
    const box = canvas.current!.getBoundingClientRect();
    return [((event.clientX - box.left) / box.width) * WIDTH, ((event.clientY - box.top) / box.height) * HEIGHT];
  }

  function down(event: PointerEvent) {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    event.preventDefault();
    canvas.current!.setPointerCapture(event.pointerId);
    drawing.current = true;
    context.lineWidth = 3;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.strokeStyle = '#10243e';
    context.beginPath();
    context.moveTo(...point(event));
    context.lineTo(...point(event));
    context.stroke();
  }

  function move(event: PointerEvent) {
    if (!drawing.current) return;
    const context = canvas.current!.getContext('2d')!;
    for (const sample of event.getCoalescedEvents?.() ?? [event]) {
      context.lineTo(...point(sample));
    }
    context.stroke();
  }

  function up() {
    if (!drawing.current) return;
    drawing.current = false;
    canvas.current!.toBlob((blob) => blob && onDrawn(blob, () => typed.current.trim()), 'image/png');
  }

  return (
    <div class="signature">
      <canvas
        ref={canvas}
        id={id}
        width={WIDTH}
        height={HEIGHT}
        role="img"
        aria-label={m.pad(label)}
        aria-describedby={describedBy}
        data-testid={`signature-${id}`}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
      />
      <p class="hint" data-testid="signature-state">
        {value ? m.signed(formatDateTime(value.signed_at)) : m.empty}
      </p>
      <div class="row">
        <label>
          {m.signerName}
          <input
            value={name}
            maxLength={200}
            autoComplete="off"
            onInput={(event) => {
              const typedName = event.currentTarget.value;
              setName(typedName);
              // Saved as typed, like every other answer: the idle lock (or a closed tab) may
              // come before the field is left.
              onName(typedName.trim());
            }}
          />
        </label>
        <button
          type="button"
          class="secondary"
          onClick={() => {
            canvas.current?.getContext('2d')?.clearRect(0, 0, WIDTH, HEIGHT);
            onClear();
          }}
        >
          {m.clear}
        </button>
      </div>
    </div>
  );
}
