"""What every product's outputs share: the label catalogue (Chinese and English), the wording of
the policy's parts, CJK fonts for charts, the terminal console and headless Chromium for PDFs."""
