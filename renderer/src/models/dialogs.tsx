/** The Models screen's dialogs: choose a precision to compile at; confirm a removal. */
import { Button, Dialog, DialogActions, DialogContent, DialogContentText, DialogTitle, MenuItem, TextField } from '@mui/material';
import { useEffect, useState } from 'react';
import type { ModelInfo, Settings } from '../../../main/contract';

type Precision = Settings['precision'];

const PRECISIONS: { value: Precision; label: string }[] = [
  { value: 'int4', label: 'int4 AR + fp16 DiT' },
  { value: 'int4-mixed', label: 'int4 AR + fp16 DiT with int8 feed-forward' },
  { value: 'int4-int8', label: 'int4 AR + int8 DiT' },
  { value: 'int4-int4', label: 'int4 AR + int4 DiT: smallest' },
  { value: 'int8', label: 'int8 AR + int8 DiT' },
  { value: 'fp16', label: 'fp16 AR + fp16 DiT' },
  { value: 'fp32', label: 'fp32: reference quality, largest' },
];

export function CompileDialog({ model, initial, onClose, onStart }: { model: ModelInfo | null; initial: Precision; onClose(): void; onStart(model: ModelInfo, precision: Precision): void }) {
  const [precision, setPrecision] = useState<Precision>(initial);
  useEffect(() => setPrecision(initial), [initial, model]);
  return (
    <Dialog open={model !== null} onClose={onClose} aria-labelledby="compile-title">
      <DialogTitle id="compile-title">Compile {model?.name}</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ mb: 2 }}>
          Converts the checkpoint into ONNX models in the models folder. It can be cancelled and resumed; finished modules are kept.
        </DialogContentText>
        <TextField
          select
          fullWidth
          size="small"
          label="Precision"
          value={precision}
          onChange={(e) => setPrecision(e.target.value as Precision)}
          slotProps={{ select: { SelectDisplayProps: { 'data-testid': 'compile-precision' } as object } }}
        >
          {PRECISIONS.map((p) => (
            <MenuItem key={p.value} value={p.value}>
              {p.label}
            </MenuItem>
          ))}
        </TextField>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button variant="contained" onClick={() => model && onStart(model, precision)} data-testid="compile-start">
          Compile
        </Button>
      </DialogActions>
    </Dialog>
  );
}

export function RemoveDialog({ model, onClose, onConfirm }: { model: ModelInfo | null; onClose(): void; onConfirm(model: ModelInfo): void }) {
  const inPlace = model?.source === 'reference';
  return (
    <Dialog open={model !== null} onClose={onClose} aria-labelledby="remove-title">
      <DialogTitle id="remove-title">{inPlace ? 'Forget' : 'Remove'} {model?.name}?</DialogTitle>
      <DialogContent>
        <DialogContentText sx={{ wordBreak: 'break-word' }}>
          {inPlace
            ? `The app stops listing this folder. The files in ${model?.path} stay where they are.`
            : `The folder ${model?.path} and its files are deleted from disk. This cannot be undone.`}
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose} autoFocus>
          Keep it
        </Button>
        <Button color="error" variant="contained" onClick={() => model && onConfirm(model)} data-testid="remove-confirm">
          {inPlace ? 'Forget' : 'Remove'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
