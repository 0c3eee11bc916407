"""A small HTTP server for a BERT-class sequence classifier saved as TorchScript.

MODEL_PATH names the traced model (torch.jit.save); TOKENIZER names a Hugging Face tokenizer folder or id.
GET /health answers once the model is loaded; POST /predict takes {"text": "..."} and returns the logits.
On Inferentia2 the model is one traced with torch_neuronx.trace: importing torch_neuronx registers its ops.
"""

import os

import torch
from fastapi import FastAPI
from pydantic import BaseModel
from transformers import AutoTokenizer

try:  # present only in the Neuron image; a neuron-traced model needs its ops registered before loading
    import torch_neuronx  # noqa: F401
except ImportError:
    pass

MODEL_PATH = os.environ["MODEL_PATH"]
TOKENIZER = os.environ.get("TOKENIZER", os.path.dirname(MODEL_PATH))
# a traced model has fixed input shapes: pad every request to the length it was traced with
SEQUENCE_LENGTH = int(os.environ.get("SEQUENCE_LENGTH", "128"))

app = FastAPI()
tokenizer = AutoTokenizer.from_pretrained(TOKENIZER)
model = torch.jit.load(MODEL_PATH)
model.eval()


class Request(BaseModel):
    text: str


@app.get("/health")
def health() -> dict:
    return {"status": "ok"}


@app.post("/predict")
def predict(request: Request) -> dict:
    encoded = tokenizer(
        request.text,
        padding="max_length",
        truncation=True,
        max_length=SEQUENCE_LENGTH,
        return_tensors="pt",
    )
    with torch.no_grad():
        output = model(encoded["input_ids"], encoded["attention_mask"])
    logits = output[0] if isinstance(output, (tuple, list)) else output
    return {"logits": logits[0].tolist()}
