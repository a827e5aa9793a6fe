import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent, type MouseEvent } from 'react';
import { reloadMe, useMe } from '../../lib/me.ts';
import { removePicture, uploadPicture } from '../../lib/pictures.ts';
import { useToast } from '../../lib/toast.tsx';
import { Avatar } from '../Avatar.tsx';

const ACCEPT = 'image/jpeg,image/png,image/webp,image/gif,image/avif,image/heic';
const STEP = 0.05;

interface Chosen {
  readonly file: File;
  readonly preview: string;
}

/**
 * The profile photo: choose a file (or drop one), see the square it will be cut to and move
 * it (sliders, arrow keys on the preview, or a click), upload with progress, or remove the
 * photo. The server does the cutting; the preview places the square as the server will.
 */
export function PhotoControl() {
  const me = useMe();
  const toast = useToast();
  const [chosen, setChosen] = useState<Chosen>();
  const [focus, setFocus] = useState({ x: 0.5, y: 0.5 });
  const [progress, setProgress] = useState<number>();
  const [error, setError] = useState<string>();
  const [dragging, setDragging] = useState(false);
  const [noPreview, setNoPreview] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const image = useRef<HTMLImageElement>(null);

  useEffect(() => () => chosen && URL.revokeObjectURL(chosen.preview), [chosen]);

  // Place the square as the server cuts it: around the focal point, kept inside the image.
  const place = () => {
    const img = image.current;
    if (!img || !img.naturalWidth) return;
    const axis = (length: number, side: number, at: number) => (length === side ? 50 : (Math.min(Math.max(at * length - side / 2, 0), length - side) / (length - side)) * 100);
    const side = Math.min(img.naturalWidth, img.naturalHeight);
    img.style.objectPosition = `${axis(img.naturalWidth, side, focus.x)}% ${axis(img.naturalHeight, side, focus.y)}%`;
  };
  useEffect(place, [focus, chosen]);

  const choose = (file: File | undefined) => {
    setError(undefined);
    setNoPreview(false);
    if (!file) return;
    setFocus({ x: 0.5, y: 0.5 });
    setChosen({ file, preview: URL.createObjectURL(file) });
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    choose(e.dataTransfer.files[0]);
  };
  const clickPreview = (e: MouseEvent<HTMLDivElement>) => {
    const box = e.currentTarget.getBoundingClientRect();
    setFocus({ x: clamp((e.clientX - box.left) / box.width), y: clamp((e.clientY - box.top) / box.height) });
  };
  const keyPreview = (e: KeyboardEvent) => {
    const moves: Record<string, [number, number]> = { ArrowLeft: [-STEP, 0], ArrowRight: [STEP, 0], ArrowUp: [0, -STEP], ArrowDown: [0, STEP] };
    const move = moves[e.key];
    if (!move) return;
    e.preventDefault();
    setFocus((f) => ({ x: clamp(f.x + move[0]), y: clamp(f.y + move[1]) }));
  };
  const cancel = () => {
    setChosen(undefined);
    if (input.current) input.current.value = '';
  };

  async function upload() {
    if (!chosen) return;
    setError(undefined);
    setProgress(0);
    try {
      await uploadPicture(chosen.file, { focus, onProgress: setProgress });
      await reloadMe();
      cancel();
      toast('Photo saved.');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setProgress(undefined);
    }
  }
  async function remove() {
    setError(undefined);
    try {
      await removePicture();
      await reloadMe();
      toast('Photo removed.');
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  }

  const busy = progress !== undefined;
  return (
    <section className="photo" aria-labelledby="photo-title">
      <h2 id="photo-title">Photo</h2>
      <div className="photo-row">
        <Avatar name={me?.displayName ?? ''} url={me?.picture} size="large" authorised />
        <div className={`dropzone${dragging ? ' dragging' : ''}`} onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)} onDrop={drop} data-testid="photo-dropzone">
          <label htmlFor="photo-file">Choose a photo</label>
          <input id="photo-file" ref={input} type="file" accept={ACCEPT} aria-describedby="photo-hint" disabled={busy} onChange={(e) => choose(e.target.files?.[0])} />
          <p id="photo-hint" className="hint">JPEG, PNG, WebP, GIF or AVIF, up to 10 MB; or drop the file here. It is cut square, and its location and camera details are removed.</p>
          {me?.picture && !chosen && <div className="actions"><button type="button" className="secondary" onClick={() => void remove()}>Remove photo</button></div>}
        </div>
      </div>
      {chosen && (
        <div className="crop-tools">
          <div className="crop" role="group" aria-label="Crop: the square that will be saved. Arrow keys move it." tabIndex={0} onClick={clickPreview} onKeyDown={keyPreview} data-testid="photo-crop">
            {noPreview ? <p className="hint">No preview for this kind of file; it can still be uploaded.</p> : <img ref={image} src={chosen.preview} alt={`Preview of ${chosen.file.name}, cut square`} onLoad={place} onError={() => setNoPreview(true)} />}
          </div>
          <div className="crop-sliders">
            <div className="field">
              <label htmlFor="photo-x">Left to right</label>
              <input id="photo-x" type="range" min={0} max={100} value={Math.round(focus.x * 100)} onChange={(e) => setFocus({ ...focus, x: Number(e.target.value) / 100 })} />
            </div>
            <div className="field">
              <label htmlFor="photo-y">Top to bottom</label>
              <input id="photo-y" type="range" min={0} max={100} value={Math.round(focus.y * 100)} onChange={(e) => setFocus({ ...focus, y: Number(e.target.value) / 100 })} />
            </div>
            <div className="actions">
              <button type="button" onClick={() => void upload()} disabled={busy}>Upload photo</button>
              <button type="button" className="secondary" onClick={cancel} disabled={busy}>Cancel</button>
            </div>
            {busy && <progress max={1} value={progress} aria-label="Upload progress">{Math.round((progress ?? 0) * 100)} %</progress>}
          </div>
        </div>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
    </section>
  );
}

const clamp = (n: number) => Math.min(1, Math.max(0, n));
